"""Use cases. Controllers, jobs and the CLI call these; each writes inside one transaction."""
