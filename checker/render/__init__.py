"""Renderers: a Report (or extracted mentions) in, text out.  They never compute findings."""
