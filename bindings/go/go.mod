module libdl/dl

go 1.19
