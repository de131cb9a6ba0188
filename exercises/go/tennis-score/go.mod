module tennisscore

go 1.21
