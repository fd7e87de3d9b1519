-- One benchmark scenario for wrk (Debian's wrk 4.1, LuaJIT). Configured from the environment:
--   BENCH_METHOD, BENCH_BODY      request method and JSON body (default GET, none)
--   BENCH_DELAY_MS                pause between one connection's requests: a fixed request rate of
--                                 connections × 1000 / delay per second instead of "as fast as possible"
-- The Authorization header comes from wrk's -H. At the end, one JSON line with the figures bench/run.py keeps.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
   wrk.body = body
   wrk.headers["Content-Type"] = "application/json"
end

local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if delay_ms then
   function delay()
      return delay_ms
   end
end

function done(summary, latency, requests)
   -- errors.status counts answers of 400 and above; the rest are socket errors and timeouts.
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
      '"max_ms":%.3f,"errors":%d,"http_errors":%d}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, socket_errors + e.status, e.status))
end
