"""llamacloud-prod: a command-line client for the LlamaCloud batch-processing API."""

__version__ = "0.1.0"
