"""Runs trace-analyze on a Dask cluster: shards in, one report out.

Modules, one role each:
  options   the driver's own options and the split of an `analyze` command line
  sniff     which inputs hold whole traces and which hold spans (asks the tool)
  timespec  Jaeger search windows: durations, RFC 3339 times, sub-windows
  plan      shards: file groups, a partition shuffle, search windows, id chunks
  tool      running the trace-analyze executable: argv, exit codes, results
  tasks     the functions the workers run (partition, analyze, merge)
  graph     the task graph on the cluster: retries, tree merge, failures
  progress  the progress line on stderr
  main      the command: cluster, plan, run, final merge
"""
