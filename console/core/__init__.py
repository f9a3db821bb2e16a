"""The contact-center domain, free of any I/O framework.

Nothing here imports textual, fastapi, httpx or websockets, so the rules of routing,
interaction life cycles and visitor sequencing can be tested and reused on their own.
"""
