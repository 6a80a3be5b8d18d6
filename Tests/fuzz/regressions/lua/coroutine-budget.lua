-- Under a budget, every coroutine that ran more than about 1,000 instructions
-- failed; and the budget could be escaped by pcall inside a coroutine.
local co = coroutine.wrap(function() local n = 0 for i = 1, 100000 do n = n + i end return n end)
assert(co() == 5000050000)
local escape = coroutine.wrap(function() pcall(function() while true do end end) while true do end end)
escape()
