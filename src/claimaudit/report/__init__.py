"""Renderings of results: console (rich), JSON; each a function of the same Result list."""
