-- debug.sethook() removed the budget; the sandbox has no debug library at all.
if debug then debug.sethook() end
while true do end
