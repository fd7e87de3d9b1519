-- One benchmark scenario for wrk (Debian's wrk 4.1, LuaJIT). Configured from the environment:
--   BENCH_METHOD, BENCH_BODY      request method and JSON body (default GET, none)
--   BENCH_DELAY_MS                pause between one connection's requests: a fixed request rate of
--                                 connections × 1000 / delay per second instead of "as fast as possible"
-- The Authorization header comes from wrk's -H. At the end, one JSON line with the figures bench/run.py keeps.
-- report.lua, beside this script, prints the figures.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

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
   bench_report(summary, latency, "")
end
