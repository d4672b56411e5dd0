"""The server-rendered web UI: page controllers, a message catalogue, SVG chart geometry and the read-only
aggregate queries the dashboards use. Pages call the same services as the JSON API."""
