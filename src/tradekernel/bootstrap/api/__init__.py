"""The Python API (`import tradekernel as tk`): the CLI's jobs, called from a script or notebook.

Every function here builds its run through the composition root (`bootstrap/container.py`)
and the same jobs the commands use, so `tk.backtest` and `tradekernel backtest` run one
kernel and one engine and give the same run plan hash on the same inputs.
"""
