// `./pairdb chaos`: a Jepsen-style fault run against a scratch cluster (see chaos/README.md).
return 0;
