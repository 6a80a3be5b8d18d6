enum SyslabCABIModule {}
