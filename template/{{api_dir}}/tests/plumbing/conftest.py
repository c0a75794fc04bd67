import pytest

from .app import handler_with_test_routes
from .harness import Invoke, invoke_handler


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str]) -> Invoke:
    """Call the test app's Lambda handler as the runtime does; capture its logs and metrics."""
    return lambda event: invoke_handler(handler_with_test_routes, event, capsys)
