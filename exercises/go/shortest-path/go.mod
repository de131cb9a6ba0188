module shortestpath

go 1.21
