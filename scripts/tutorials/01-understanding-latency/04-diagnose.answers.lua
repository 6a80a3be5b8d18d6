-- Answer key for the exercises of tutorial 01-04 (diagnose).
-- Page: docs/tutorials/01-understanding-latency/04-diagnose.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/04-diagnose.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/04-diagnose (answers)")

local function first_finding(scenario)
  local report = tutorial.simulate(shop.test { scenario = scenario })
  local diagnosis = report:diagnosis()
  for _, f in ipairs(diagnosis) do t:say("[%s %s %s %s] %s", f.severity, f.role, f.kind, tostring(f.node), f.title) end
  return diagnosis[1], diagnosis
end

t:step("Exercise 1: +200 ms on Postgres instead of inventory")
local root, all = first_finding { name = "fixed-latency", at = "20s", duration = "20s",
                                     params = { delay_ms = 200, target = { tags = { "db" } } } }
t:number("ex1_root", root.title)
local consequences = {}
for _, f in ipairs(all) do
  if f.role == "consequence" then consequences[#consequences + 1] = f.kind .. " " .. tostring(f.node) end
end
local chain = table.concat(consequences, ", ")
t:number("ex1_consequences", chain)
t:claim("the first finding names Postgres (db) as the latency origin", ("%s %s %s"):format(root.role, root.kind, tostring(root.node)),
  root.role == "root-cause" and root.kind == "latency-origin" and root.node == "db")
t:claim("its consequences follow from the deepest node outwards: Postgres, then the API, then the gateway saturate",
  chain, chain == "saturation db, saturation api, saturation gateway")

t:step("Exercise 2: 20% of inventory's calls fail instead")
local err = first_finding { name = "error-burst", at = "20s", duration = "20s",
                            params = { probability = 0.2, target = { tags = { "inventory" } } } }
t:number("ex2_root", err.title)
t:claim("the first finding names inventory as the error origin", ("%s %s %s"):format(err.role, err.kind, tostring(err.node)),
  err.role == "root-cause" and err.kind == "error-origin" and err.node == "inventory")
t:finish()
