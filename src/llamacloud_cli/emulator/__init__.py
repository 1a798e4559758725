"""A local emulator of the LlamaCloud batch-processing API (stdlib only, in-memory state).

`llamacloud-prod emulator` runs it in the foreground; tests and benchmarks use
`start_background()`. The rules it follows are documented in `state.py` and `server.py`.
"""

from llamacloud_cli.emulator.server import RunningEmulator, serve, start_background
from llamacloud_cli.emulator.state import ApiError, Emulator, EmulatorConfig, wall_clock

__all__ = [
    "ApiError",
    "Emulator",
    "EmulatorConfig",
    "RunningEmulator",
    "serve",
    "start_background",
    "wall_clock",
]
