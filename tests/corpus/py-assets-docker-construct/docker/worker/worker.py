print("processing jobs")
