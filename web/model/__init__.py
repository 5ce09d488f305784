"""The page model both faces render from: request parameters, browse lists, source view, map,
form view model and Markdown rendering."""
