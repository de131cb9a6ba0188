module intervalset

go 1.21
