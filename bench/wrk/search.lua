-- Searches for wrk (Debian's wrk 4.1, LuaJIT): GET <the URL's path>&q=<word>, a word drawn at random for each
-- request from the seed's vocabulary, so that the searches spread over the index like real ones instead of
-- asking one cached question. Configured from the environment, like scenario.lua:
--   BENCH_WORDS                   the word list, one a line (bench/words.txt: the words `bulletin seed` writes
--                                 posts with, each in about 1.7% of the posts)
-- The Authorization header comes from wrk's -H. At the end, one JSON line with the figures bench/run.py keeps,
-- as scenario.lua prints them, plus "refused": the answers 503, the server's documented way of shedding
-- searches beyond what it can run (they count among "errors" and "http_errors" too, like any status >= 400).

-- report.lua, beside this script, prints the figures.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local words_path = os.getenv("BENCH_WORDS") or error("search.lua needs BENCH_WORDS, the path of the word list")
local path = wrk.path
local separator = path:find("?", 1, true) and "&" or "?"

-- setup runs in wrk's main Lua state once per thread; done, later, reads each thread's count from there.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   words = {}
   local file = io.open(words_path) or error("search.lua: cannot read " .. words_path)
   for line in file:lines() do
      if line ~= "" then
         table.insert(words, line)
      end
   end
   file:close()
   if #words == 0 then
      error("search.lua: " .. words_path .. " has no words")
   end
   -- A fixed seed per thread: every run asks the same sequence of questions, so runs compare.
   math.randomseed(id)
   refused = 0
end

function request()
   return wrk.format(nil, path .. separator .. "q=" .. words[math.random(#words)])
end

function response(status, headers, body)
   if status == 503 then
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local refused = 0
   for _, thread in ipairs(threads) do
      refused = refused + (thread:get("refused") or 0)
   end
   bench_report(summary, latency, string.format(',"refused":%d', refused))
end
