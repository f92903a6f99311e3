"""The product's settings as every test run needs them, however it is started (`bin/test`,
plain `pytest`, an editor's test runner): a fast password hasher, and a temporary
directory for the files tests write, set before the settings read them. Processes the
tests start (a worker, a server) inherit both."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("FAST_PASSWORD_HASHER", "true")
if "VAR_DIR" not in os.environ:
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="onemind-tests-")
    atexit.register(shutil.rmtree, os.environ["VAR_DIR"], ignore_errors=True)

from onemind.settings import *  # noqa: E402, F403

# The SSO tests run a real OpenID Connect provider on 127.0.0.1, over plain HTTP.
SSO_ALLOW_HTTP_LOOPBACK = True  # noqa: F405
