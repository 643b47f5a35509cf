-- Scenario 2: the caller's statistics.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

request = function()
  return wrk.format("GET", "/cloudflare-images/api/stats/")
end
