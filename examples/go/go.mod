module libdl/examples

go 1.19

require libdl/dl v0.0.0

replace libdl/dl => ../../bindings/go
