"""The Telegram side of the application: the only package that imports `handlers`.

`app` assembles the `Application` once (handlers in order, error handler, jobs, command menu);
`serve` opens the `Core` and runs it by polling or webhook; `transport` is an in-process Bot API
peer (the console, the tests and the benchmarks run the real application through it); `console`
is the terminal chat built on that transport.
"""
