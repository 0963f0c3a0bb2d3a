-- wrk script for bench/run: cycles through pre-signed GitHub requests (body and signature made by
-- bench/run, never here) and gives each request a unique X-GitHub-Delivery. Optional pacing for the
-- "p99 at half the maximum rate" run: BENCH_DELAY_MS per connection between requests.
local requests = {}
-- Where this run starts in each thread's share of the file: bench/run passes how many requests the
-- runs before it sent, so a run never re-sends their bodies (GitHub events are deduplicated on the
-- body: a re-sent body is a duplicate, not a new event, and measures the duplicate path).
local counter = tonumber(os.getenv("BENCH_OFFSET") or "0")
local thread_id = 0
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  local n = tonumber(os.getenv("BENCH_THREADS") or "2")
  local i = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if i % n == thread_id then
      local sig, body = line:match("^([^\t]+)\t(.*)$")
      requests[#requests + 1] = { sig = sig, body = body }
    end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-GitHub-Event"] = "push"
end

function request()
  counter = counter + 1
  local r = requests[(counter - 1) % #requests + 1]
  wrk.headers["X-Hub-Signature-256"] = r.sig
  wrk.headers["X-GitHub-Delivery"] = string.format("%d-%d-%d", thread_id, counter, os.time())
  wrk.body = r.body
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
