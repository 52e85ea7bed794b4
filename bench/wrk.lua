-- POSTs the requests listed in $BENCH_REQUESTS, one per line as "<token>\t<JSON body>" (no
-- token: the public). Thread i of $BENCH_THREADS takes lines i, i+T, …, so no two threads
-- send the same line; each thread cycles through its own. Counts answers that are not HTTP
-- 200, that carry GraphQL errors, and that contain $BENCH_EXPECT, and prints one line
-- "BENCH_RESULT {json}" at the end.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS"))
  local lines = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    lines[#lines + 1] = line
  end
  local first = index + 1
  if #lines < count then first, count = 1, 1 end
  requests = {}
  for n = first, #lines, count do
    local token, body = lines[n]:match("^([^\t]*)\t(.*)$")
    local headers = {["Content-Type"] = "application/json"}
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    requests[#requests + 1] = wrk.format("POST", nil, headers, body)
  end
  expect = os.getenv("BENCH_EXPECT")
  position, not_ok, errors, expected = 0, 0, 0, 0
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  elseif body:find('"errors"', 1, true) then
    errors = errors + 1
  end
  if body:find(expect, 1, true) then
    expected = expected + 1
  end
end

function done(summary, latency, requests)
  local not_ok, errors, expected = 0, 0, 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("not_ok")
    errors = errors + thread:get("errors")
    expected = expected + thread:get("expected")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "not_ok": %d, "graphql_errors": %d, "expected": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, not_ok, errors, expected,
    e.connect + e.read + e.write + e.timeout))
end
