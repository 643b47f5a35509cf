-- Scenario 2: a list page of uploaded images (20 per page), a random page of the first 1,000.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

vary_path(function()
  return "/cloudflare-images/api/images/?status=uploaded&page=" .. math.random(1, 1000)
end)
