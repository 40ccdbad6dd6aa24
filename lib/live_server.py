"""The Jupyter server's side of the live explorers: each frame goes to the browser at once.

JupyterLab talks to a kernel through the Jupyter server, which writes the kernel's messages to the
browser over a websocket. That socket keeps TCP's default, Nagle's algorithm: a small write waits
while an earlier one is still unacknowledged, and the browser's side acknowledges late (a delayed
ACK, up to 40 ms on Linux). One step of a slider makes five messages in a row (the kernel busy, the
echo of the new value, the frame, the readout, idle), so a frame often waited for the ACK of the
message before it. Measured with ``bench/bench_live.py`` on 2 cores: on about two steps in three,
20 to 40 ms passed between the server writing a frame and the page receiving it, 1 to 5 ms on the
others; with ``TCP_NODELAY``, 1 to 15 ms on every step.

This module is a Jupyter server extension. Linked before the server builds its web application, it
makes :class:`NoDelayConnection` the server's kernel-websocket connection
(``ServerApp.kernel_websocket_connection_class``): the server's own class, with ``TCP_NODELAY`` set
when the browser connects (``WebSocketHandler.set_nodelay``, Tornado's switch for this). It changes
when bytes leave the server, never what they are, and it leaves any other connection class someone
configured (a gateway's, say) as it is. Installing ``lib`` enables it for the Jupyter server of the
same environment (the file ``etc/jupyter/jupyter_server_config.d/activations-course-lib.json``).
Only the server imports this module; it needs ``jupyter_server``.
"""

from __future__ import annotations

import os

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayConnection(ZMQChannelsWebsocketConnection):
    """The Jupyter server's kernel-websocket connection, sending each message without delay."""

    def connect(self):
        """Set ``TCP_NODELAY`` on the browser's websocket, then connect as the server does."""
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def _jupyter_server_extension_points():
    return [{"module": "lib.live_server"}]


def _link_jupyter_server_extension(serverapp) -> None:
    """Before the web application exists: use :class:`NoDelayConnection`, unless the server was
    configured with a connection class of its own or talks to its kernels through a gateway."""
    configured = "kernel_websocket_connection_class" in serverapp.config.ServerApp
    gateway = bool(serverapp.config.GatewayClient.get("url") or os.environ.get("JUPYTER_GATEWAY_URL"))
    if not configured and not gateway:
        serverapp.kernel_websocket_connection_class = NoDelayConnection


def _load_jupyter_server_extension(serverapp) -> None:
    used = serverapp.kernel_websocket_connection_class
    serverapp.log.info("lib.live_server: kernel websockets use %s", used.__name__)
