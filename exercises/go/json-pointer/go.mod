module jsonpointer

go 1.21
