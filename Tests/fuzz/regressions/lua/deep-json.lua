-- json_decode crashed on 60-deep arrays and hung on 400-deep ones; json_encode
-- of a 40-deep table wrote out of bounds; 600 deep is past the documented limit.
local syslab = require "syslab"
for _, depth in ipairs { 40, 60, 400, 600 } do
  local decoded = syslab.json_decode(string.rep("[", depth) .. string.rep("]", depth))
  local t = {}
  for _ = 1, depth do t = { t } end
  pcall(syslab.json_encode, t)
  assert(decoded ~= nil or depth > 512)
end
