-- The one JSON line bench/run.py reads at the end of a wrk run, shared by scenario.lua and search.lua (each
-- loads it with dofile). `extra` adds fields of the script's own (',"name":value'), or is "".
function bench_report(summary, latency, extra)
   -- errors.status counts answers of 400 and above; the rest are socket errors and timeouts.
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
      '"max_ms":%.3f,"errors":%d,"http_errors":%d%s}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, socket_errors + e.status, e.status, extra))
end
