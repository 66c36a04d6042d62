-- wrk script for bench/service_load.sh: one fixed request on keep-alive connections, every answer that is not
-- 2xx counted. Prints the same summary line as bench/verifier_load.lua (invalid = answers that are not 2xx).
-- Environment: VEIL_METHOD (GET), VEIL_PATH, VEIL_AUTHORIZATION (optional Authorization header value).
local threads = {}
invalid = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = os.getenv("VEIL_METHOD") or "GET"
  wrk.path = os.getenv("VEIL_PATH")
  local authorization = os.getenv("VEIL_AUTHORIZATION")
  if authorization and authorization ~= "" then
    wrk.headers["Authorization"] = authorization
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    invalid = invalid + 1
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
