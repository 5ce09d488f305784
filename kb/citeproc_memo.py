"""citeproc-py's repeated questions answered once: the same references, fewer lookups.

citeproc-py walks the whole APA style for every reference and asks the unchanging style tree the
same questions each time: an XPath search for each macro and term, a walk through each group's
macros to see whether it prints a variable, the locale's options, a child element by name, and
for every `if type=…` the item's reference again. The answers depend on the tree (or on the one
reference being formatted) only, so they are kept. The references come out byte for byte the
same (tests/test_cite_cache.py compares every patched method with its original).
"""

from __future__ import annotations

from functools import wraps

from citeproc import model
from citeproc.source import CitationItem


def remembered(method, errors: tuple[type[Exception], ...] = ()):
    """method(element, *args) remembered per style element and arguments.

    A list is handed out as a copy; an error in `errors` is remembered and raised anew each
    time. The kept elements stay alive, which keeps them the same Python objects that lxml
    hands out for those nodes.
    """
    memo: dict[tuple, tuple[bool, object]] = {}

    @wraps(method)
    def remembering(element, *args):
        key = (element, *args)
        if key not in memo:
            try:
                memo[key] = (True, method(element, *args))
            except errors as error:
                memo[key] = (False, (type(error), error.args))
        ok, found = memo[key]
        if not ok:
            kind, args = found
            raise kind(*args)
        return list(found) if isinstance(found, list) else found

    remembering.forgets = method  # the original, for the tests that compare with it
    return remembering


def _types(element: model.If) -> list[str]:
    """The lowercased types an `if type="…"` condition names."""
    return [typ.lower() for typ in element.get("type").split()]


_remembered_types = remembered(_types)


def _type(self: model.If, item) -> list[bool]:
    """If._type with the item's reference looked up once, not once per named type."""
    types = _remembered_types(self)
    if not types:
        return []
    kind = item.reference.type
    return [typ == kind for typ in types]


def _kept_reference(self: CitationItem):
    """CitationItem.reference, looked up once per bibliography the item is cited in."""
    try:
        bibliography = dict.__getitem__(dict.__getitem__(self, "citation"), "bibliography")
    except KeyError:  # not cited yet: as citeproc-py does (it raises)
        return _kept_reference.forgets(self)
    kept = self.__dict__.get("_kb_reference")
    if kept is None or kept[0] is not bibliography:
        kept = self.__dict__["_kb_reference"] = (bibliography, bibliography.source[self.key])
    return kept[1]


_type.forgets = model.If._type
_kept_reference.forgets = CitationItem.reference.fget

# (class, attribute, replacement): each replacement has the original as .forgets
PATCHES = (
    (
        model.CitationStylesElement,
        "xpath_search",
        remembered(model.CitationStylesElement.xpath_search),
    ),
    (model.Parent, "calls_variable", remembered(model.Parent.calls_variable)),
    (model.Text, "calls_variable", remembered(model.Text.calls_variable)),
    (model.Locale, "get_option", remembered(model.Locale.get_option, (IndexError,))),
    (
        model.SomewhatObjectifiedElement,
        "__getattr__",
        remembered(model.SomewhatObjectifiedElement.__getattr__),
    ),
    (model.If, "_type", _type),
    (CitationItem, "reference", property(_kept_reference)),
)


def original(cls, name: str):
    """The attribute as citeproc-py defines it, patched or not (for the tests)."""
    found = cls.__dict__[name]
    if isinstance(found, property):
        return property(getattr(found.fget, "forgets", found.fget))
    return getattr(found, "forgets", found)


def remember_style_lookups() -> None:
    """Apply PATCHES (once per process; applying them again changes nothing)."""
    for cls, name, replacement in PATCHES:
        if cls.__dict__.get(name) is not replacement:
            setattr(cls, name, replacement)
