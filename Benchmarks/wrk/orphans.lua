-- Scenario 5: a page of orphans (images no usage points at), a random page of the first 1,000.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

vary_path(function()
  return "/cloudflare-images/api/images/orphans/?page=" .. math.random(1, 1000)
end)
