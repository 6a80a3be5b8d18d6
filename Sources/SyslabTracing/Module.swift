enum SyslabTracingModule {}
