-- wrk script for bench/verifier_load.sh: POST /v1/verify on keep-alive connections, bodies taken round robin
-- from a pool file (one JSON body per line), every answer checked for "valid":true.
-- Environment: VEIL_POOL (pool file), VEIL_API_KEY (relying-party key), VEIL_DELAY_MS (optional pause per
-- request and connection, to hold a fixed fraction of the maximum rate).
local pool = {}
local next_index = 0
local threads = {}
invalid = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("VEIL_POOL")) do
    pool[#pool + 1] = line
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("VEIL_API_KEY")
end

function request()
  next_index = next_index % #pool + 1
  return wrk.format(nil, "/v1/verify", nil, pool[next_index])
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"valid":%s*true') then
    invalid = invalid + 1
  end
end

local delay_ms = tonumber(os.getenv("VEIL_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local rejected = 0
  for _, thread in ipairs(threads) do
    rejected = rejected + thread:get("invalid")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
                 summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("wrk rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d invalid=%d\n",
                         summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         summary.requests, errors, rejected))
end
