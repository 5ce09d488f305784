"""The ceiling for bench_http.py: a Flask «hello», served the same way as the real app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
