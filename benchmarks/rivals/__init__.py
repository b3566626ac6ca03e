"""The rivals Beatplan is judged against, each producing a real `scheduler.rota.Rota`.

So the same independent checker and the same coverage summaries (`benchmarks.metrics`)
judge them and Beatplan: `pattern` (the sergeant's spreadsheet) and `greedy` (a
marginal-gain greedy), both built from `plans`.
"""
