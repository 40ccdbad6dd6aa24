"""lib.live_server: the Jupyter server extension that sends kernel messages without Nagle's delay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("jupyter_server")

from jupyter_server.serverapp import ServerApp  # noqa: E402
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection  # noqa: E402

from lib import live_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyter-config" / "jupyter_server_config.d" / "activations-course-lib.json"


class Handler:
    def __init__(self):
        self.nodelay = []

    def set_nodelay(self, value):
        self.nodelay.append(value)


def test_the_connection_sets_nodelay_before_it_connects(monkeypatch):
    calls = []
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect",
                        lambda self: calls.append(list(self.websocket_handler.nodelay)) or "future")
    handler = Handler()  # in place of the browser's websocket (the trait accepts only a real one)
    monkeypatch.setattr(live_server.NoDelayConnection, "websocket_handler", handler)
    connection = live_server.NoDelayConnection.__new__(live_server.NoDelayConnection)
    assert connection.connect() == "future"      # the server's own connect, and what it returns
    assert handler.nodelay == [True] and calls == [[True]]


def test_linking_makes_the_server_use_the_connection():
    app = ServerApp()
    live_server._link_jupyter_server_extension(app)
    assert app.kernel_websocket_connection_class is live_server.NoDelayConnection


def test_linking_keeps_a_configured_connection_class():
    app = ServerApp()
    app.config.ServerApp.kernel_websocket_connection_class = "my.Connection"
    live_server._link_jupyter_server_extension(app)
    assert "kernel_websocket_connection_class" not in app._trait_values


def test_linking_leaves_a_gateway_alone(monkeypatch):
    monkeypatch.setenv("JUPYTER_GATEWAY_URL", "http://gateway.example:8888")
    app = ServerApp()
    live_server._link_jupyter_server_extension(app)
    assert "kernel_websocket_connection_class" not in app._trait_values


def test_installing_lib_enables_the_extension():
    assert json.loads(CONFIG.read_text()) == {"ServerApp": {"jpserver_extensions": {"lib.live_server": True}}}
    assert live_server._jupyter_server_extension_points() == [{"module": "lib.live_server"}]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"etc/jupyter/jupyter_server_config.d" = ["{CONFIG.relative_to(ROOT).as_posix()}"]' in pyproject
