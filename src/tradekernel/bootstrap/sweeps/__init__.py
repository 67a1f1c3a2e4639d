"""Parameter sweeps: Optuna searches, Dask distributed runs one backtest per trial."""
