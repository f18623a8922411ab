"""Server-rendered pages of the workflow app (the API is workflow/api.py)."""
