from tests.services.conftest import world  # noqa: F401  (the same temp world as the service tests)
