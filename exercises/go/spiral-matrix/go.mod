module spiralmatrix

go 1.21
