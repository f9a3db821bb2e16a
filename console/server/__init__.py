"""The embedded contact-center server: storage, ACD, agent API, visitor API."""
