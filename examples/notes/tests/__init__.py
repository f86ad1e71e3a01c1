from hypothesis import settings

# Each example sends a request through the ASGI stack and the database: on a busy machine that
# can take longer than Hypothesis' default deadline of 200 ms.
settings.register_profile("notes", deadline=None)
settings.load_profile("notes")
