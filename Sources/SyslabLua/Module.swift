enum SyslabLuaModule {}
