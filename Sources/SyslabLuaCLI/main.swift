print("syslab-lua")
