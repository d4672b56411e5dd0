"""HTTP API controllers: parse input, call one service, convert the result."""
