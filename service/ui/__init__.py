"""The web UI: server-rendered pages in Vietnamese over the same storage as the API."""
