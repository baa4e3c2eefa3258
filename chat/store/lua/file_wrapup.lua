return redis.call('SREM', P..'c:'..ARGV[1]..':wrapups', ARGV[2])
