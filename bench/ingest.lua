-- wrk script for bench/run: cycles through pre-signed GitHub requests (body and signature made by
-- bench/run, never here) and gives each request a unique X-GitHub-Delivery. Optional pacing for the
-- "p99 at half the maximum rate" run: BENCH_DELAY_MS per connection between requests.
-- Where this run starts in each thread's share of the file: bench/run passes how many requests the
-- runs before it sent, so a run never re-sends their bodies (GitHub events are deduplicated on the
-- body: a re-sent body is a duplicate, not a new event, and measures the duplicate path). Threads
-- send about as many requests as each other, so each skips its share of that, and a quarter more.
-- The file is read as it is used, not loaded: a five-minute run needs more than a million bodies.
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local thread_id = 0
local threads_n = 1
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local file = nil
local line_no = 0

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- The next line of this thread's share (every n-th line); at the end of the file it starts again
-- (those requests are duplicates, and bench/run's duplicate count shows it).
local function next_line()
  while true do
    local line = file:read("*l")
    if line == nil then
      file:close()
      file = io.open(os.getenv("BENCH_REQUESTS"), "r")
      line_no = 0
      line = file:read("*l")
    end
    line_no = line_no + 1
    if (line_no - 1) % threads_n == thread_id then return line end
  end
end

function init(args)
  thread_id = tid
  threads_n = tonumber(os.getenv("BENCH_THREADS") or "2")
  file = io.open(os.getenv("BENCH_REQUESTS"), "r")
  for _ = 1, math.floor(offset / threads_n * 1.25) do next_line() end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-GitHub-Event"] = "push"
end

local counter = 0
function request()
  counter = counter + 1
  local sig, body = next_line():match("^([^\t]+)\t(.*)$")
  wrk.headers["X-Hub-Signature-256"] = sig
  wrk.headers["X-GitHub-Delivery"] = string.format("%d-%d-%d-%d", thread_id, offset, counter, os.time())
  wrk.body = body
  return wrk.format()
end

function delay()
  return delay_ms
end

-- Counted in plain globals, one per status: wrk's thread:get copies numbers and strings across Lua
-- states, and a table read back in done() came back empty (done() then failed without a word).
local seen = {}
function response(status, headers, body)
  local name = "s" .. status
  _G[name] = (_G[name] or 0) + 1
  if not seen[status] then
    seen[status] = true
    seen_list = (seen_list or "") .. status .. ","
  end
end

function done(summary, latency, requests_)
  local total = {}
  for _, t in ipairs(threads) do
    for code in string.gmatch(t:get("seen_list") or "", "(%d+),") do
      total[code] = (total[code] or 0) + (t:get("s" .. code) or 0)
    end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = k .. "=" .. v end
  table.sort(parts)
  io.write("STATUSES " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("P99_MS %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("RATE %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("REQUESTS %d\n", summary.requests))
end
