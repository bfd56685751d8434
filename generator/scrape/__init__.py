"""Stage 1: pages (or an OpenAPI document) in, raw records out."""

import generator.scrape.deferred  # noqa: F401  (first: soupsieve deferred before bs4 loads)
from generator.scrape.discover import discover
from generator.scrape.openapi import OpenApiInput, read_openapi
from generator.scrape.page import scrape_page
from generator.scrape.records import RawPage, RawParameter, RawResponse

__all__ = [
    "OpenApiInput",
    "RawPage",
    "RawParameter",
    "RawResponse",
    "discover",
    "read_openapi",
    "scrape_page",
]
